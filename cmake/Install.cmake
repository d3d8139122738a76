# What `cmake --install` puts where a packaged tool keeps it (GNUInstallDirs), and the .deb CPack
# builds from the same install:
#   bin/mcp-harness
#   libexec/mcp-harness/   the stand-ins and the reference servers (mcph_service, cmake/Targets.cmake)
#   share/mcp-harness/     scenarios/, fixtures/, policies/ (OPA's), docker/compose.yaml
# An installed mcp-harness finds them beside itself (harness/fixtures' data_layout.h).
set(mcph_data_dir ${CMAKE_INSTALL_DATADIR}/mcp-harness)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${mcph_data_dir}/scenarios
        FILES_MATCHING PATTERN "*.yaml" PATTERN "tests" EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/fixtures/ DESTINATION ${mcph_data_dir}/fixtures)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/policies/ DESTINATION ${mcph_data_dir}/policies
        FILES_MATCHING PATTERN "*.rego" PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/docker/compose.yaml DESTINATION ${mcph_data_dir}/docker)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mcp-harness)
set(CPACK_PACKAGE_VENDOR "mcp-harness")
set(CPACK_PACKAGE_CONTACT "mcp-harness maintainers <mcp-harness@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Test harness for MCP servers behind real authentication")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The shared libraries the binaries link (OpenSSL, libpq, libpqxx, yaml-cpp, jemalloc …), as
# dpkg-shlibdeps finds them; and what the local stack runs besides them: PostgreSQL's server
# (initdb, postgres) and nginx (the TLS-terminating proxy).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "postgresql, nginx-light | nginx")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "default-jre-headless, docker-compose")
include(CPack)
