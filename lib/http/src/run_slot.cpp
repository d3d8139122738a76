#include "mcph/http/run_slot.h"

#include <utility>

#include "run_slot_take.h"

namespace mcph::http {
namespace {

// The slots the calling thread holds a place of; null when it holds none.
thread_local sync::Turns* t_held = nullptr;

}  // namespace

void release_run_slot() {
  if (sync::Turns* held = std::exchange(t_held, nullptr)) held->release();
}

namespace detail {

void take_run_slot(sync::Turns& slots) {
  if (t_held != nullptr) return;
  slots.acquire();
  t_held = &slots;
}

}  // namespace detail
}  // namespace mcph::http
