#pragma once
// Run slots: of a server's worker threads (ServerOptions::threads), only run_slots — as many as
// the machine has cores — wait for connections and serve requests at once; the others wait for
// a slot, in order. Without them, a busy server's 64 workers share two cores in time slices: a
// request that needs 0.1 ms of CPU is preempted and waits milliseconds behind the others, and
// the tail of a closed-loop load grows with the thread count (docs/benchmarks.md, "Run slots"). With them,
// a worker that has answered goes straight on to the next ready connection, with no hand-off.
//
// A handler about to wait — an outbound request, a database query, a wait on another thread —
// gives its slot up with release_run_slot(): the next waiting worker starts serving at once, and
// the handler runs on without a slot. It never takes one back in the handler, so a thread that
// holds a lock never queues for a slot, and a wait for another request's work cannot deadlock
// on slots. A handler that waited for a request not yet received (none does) would have to
// release its slot first. A worker whose handler released its slot queues for one again once it
// has answered.
//
// Released by http::Client::request, by a connection that must wait for a slow client, and by
// the other waits of servers that run with slots (mock-vault's PostgreSQL work, the conformance
// server's pauses). The MCP servers serve with all their workers (servers::http_options_of), so
// their own waits need no release. A blocking call that does not release only keeps the other
// requests waiting longer.

namespace mcph::http {

// Gives up the calling worker's run slot, if it holds one; nothing on any other thread, or once
// given up.
void release_run_slot();

}  // namespace mcph::http
