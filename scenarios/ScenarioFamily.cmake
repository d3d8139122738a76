# mcph_scenario_family(FILE): registers a scenario file's scenarios with ctest the way the file's
# header says, so that a family is declared in one place, its own file:
#
#   ctest: {label: cross-subject, stacks: [shared, real, cognito], alone: true, lock: NAME, labels: [x]}
#
#   label    the family's ctest label (ctest -L cross-subject)
#   stacks   the stacks its scenarios run on: shared (scenario_stack), real (the real tier's,
#            label real), cognito (a Cognito user pool as the identity provider, label cognito),
#            load (a stack of its own with the users family 10 needs)
#   alone    true: nothing else runs beside it (RUN_SERIAL), for a file that breaks a shared
#            service or measures time
#   lock     its scenarios run one at a time per stack, beside other files (RESOURCE_LOCK
#            NAME-<stack>-stack), for files that share a budget of the stack's
#   labels   further labels
#
# The line is a one-line YAML flow mapping of scalars and lists of scalars, which CMake reads here
# and the scenario loader validates (scenario-format.md); anything else is a configure error.

# Reads FILE's `ctest:` line into <PREFIX>_label, _labels, _stacks, _alone, _lock.
function(mcph_read_scenario_header file prefix)
  file(STRINGS ${file} lines REGEX "^ctest:")
  list(LENGTH lines count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "${file}: expected one line `ctest: {label: …, stacks: […]}` in the header, found ${count}")
  endif()
  if(NOT lines MATCHES "^ctest: *{(.*)} *(#.*)?$")
    message(FATAL_ERROR "${file}: `ctest:` must be a one-line flow mapping, {label: …, stacks: […]}")
  endif()
  set(rest "${CMAKE_MATCH_1}")
  foreach(key label labels stacks alone lock)
    set(${key} "")
  endforeach()
  while(NOT rest MATCHES "^ *$")
    if(NOT rest MATCHES "^ *([a-z]+): *(\\[[^]]*\\]|[^,]*[^, ]) *(,(.*))?$")
      message(FATAL_ERROR "${file}: cannot read `ctest:` at '${rest}'")
    endif()
    set(key "${CMAKE_MATCH_1}")
    set(value "${CMAKE_MATCH_2}")
    set(rest "${CMAKE_MATCH_4}")
    if(NOT key MATCHES "^(label|labels|stacks|alone|lock)$")
      message(FATAL_ERROR "${file}: `ctest:` has no key '${key}' (label, labels, stacks, alone, lock)")
    endif()
    if(value MATCHES "^\\[(.*)\\]$")
      string(REPLACE "," ";" value "${CMAKE_MATCH_1}")
      list(TRANSFORM value STRIP)
    endif()
    set(${key} "${value}")
  endwhile()
  if(NOT label OR NOT stacks)
    message(FATAL_ERROR "${file}: `ctest:` needs a label and its stacks")
  endif()
  foreach(stack IN LISTS stacks)
    if(NOT stack MATCHES "^(shared|real|cognito|load)$")
      message(FATAL_ERROR "${file}: `ctest:` names stack '${stack}' (shared, real, cognito or load)")
    endif()
  endforeach()
  foreach(key label labels stacks alone lock)
    set(${prefix}_${key} "${${key}}" PARENT_SCOPE)
  endforeach()
endfunction()

# The stacks a family can run on, as scenarios/CMakeLists.txt brings them up (stack_dir,
# cognito_stack_dir and load_stack_dir are its): the prefix of their tests, their fixture, their
# run directory, the labels they add, the timeout of one scenario.
set(mcph_scenario_stack_shared_prefix scenario.)
set(mcph_scenario_stack_shared_fixture scenario_stack)
set(mcph_scenario_stack_shared_dir ${stack_dir})
set(mcph_scenario_stack_shared_labels scenario)
set(mcph_scenario_stack_shared_timeout 120)
set(mcph_scenario_stack_cognito_prefix cognito.)
set(mcph_scenario_stack_cognito_fixture cognito_stack)
set(mcph_scenario_stack_cognito_dir ${cognito_stack_dir})
set(mcph_scenario_stack_cognito_labels scenario cognito)
set(mcph_scenario_stack_cognito_timeout 120)
# Family 10 is labelled load alone: `-L scenario` leaves out its minutes of load.
set(mcph_scenario_stack_load_prefix scenario.)
set(mcph_scenario_stack_load_fixture load_stack)
set(mcph_scenario_stack_load_dir ${load_stack_dir})
set(mcph_scenario_stack_load_labels "")
set(mcph_scenario_stack_load_timeout 300)

function(mcph_scenario_family file)
  set(path ${CMAKE_CURRENT_SOURCE_DIR}/${file})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${path})
  mcph_read_scenario_header(${path} family)
  get_filename_component(suite ${file} NAME_WE)
  file(STRINGS ${path} suite_line REGEX "^suite:")
  if(suite_line MATCHES "^suite: *([A-Za-z0-9_]+)")
    set(suite ${CMAKE_MATCH_1})
  endif()
  foreach(stack IN LISTS family_stacks)
    set(properties "")
    if(family_alone STREQUAL "true")
      list(APPEND properties RUN_SERIAL TRUE)
    elseif(family_alone AND NOT family_alone STREQUAL "false")
      message(FATAL_ERROR "${file}: `ctest:` alone must be true or false, not '${family_alone}'")
    endif()
    if(family_lock)
      list(APPEND properties RESOURCE_LOCK ${family_lock}-${stack}-stack)
    endif()
    if(stack STREQUAL "real")
      # The same scenarios, unchanged, against the real tier's Keycloak and Vault.
      mcph_real_tier_tests(scenario_suites FILTER "${suite}.*" LABELS scenario ${family_label} ${family_labels}
        TIMEOUT 180 PROPERTIES ${properties})
      continue()
    endif()
    set(tests ${stack}_${suite}_TESTS)
    gtest_discover_tests(scenario_suites DISCOVERY_MODE PRE_TEST
      TEST_FILTER "${suite}.*" TEST_PREFIX "${mcph_scenario_stack_${stack}_prefix}" TEST_LIST ${tests})
    mcph_discovered_test_properties(LIST_VAR ${tests}
      LABELS ${mcph_scenario_stack_${stack}_labels} ${family_label} ${family_labels}
      ENVIRONMENT MCPH_STACK_FILE=${mcph_scenario_stack_${stack}_dir}/stack.json MCPH_TRACE_DIR=${trace_dir}
      PROPERTIES TIMEOUT ${mcph_scenario_stack_${stack}_timeout}
        FIXTURES_REQUIRED ${mcph_scenario_stack_${stack}_fixture} ${properties})
  endforeach()
endfunction()
