#pragma once
// How the Reactor's workers hold run slots (mcph/http/run_slot.h): a worker takes one before it
// waits for a ready connection and keeps it while it serves what it got, unless the handler
// released it; then the worker queues for one again before its next wait.
#include "mcph/sync/turns.h"

namespace mcph::http::detail {

// Waits for a place of `slots`, in order of arrival, unless this thread already holds one.
void take_run_slot(sync::Turns& slots);

}  // namespace mcph::http::detail
