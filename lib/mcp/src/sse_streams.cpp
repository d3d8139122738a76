#include "sse_streams.h"

#include <utility>

namespace mcph::mcp::detail {

SseStreams::SseStreams(std::size_t max_streams, std::size_t max_streams_per_subject)
    : max_streams_(max_streams), max_per_subject_(max_streams_per_subject) {}

SseStreams::Reservation SseStreams::reserve(const Principal& opener) {
  const std::string& subject = opener.subject;
  Reservation reservation;
  std::lock_guard lock(mutex_);
  std::size_t& mine = per_subject_[subject];
  if (mine >= max_per_subject_) {
    reservation.refusal = Refusal::subject_full;
  } else if (streams_.size() >= max_streams_) {
    reservation.refusal = Refusal::server_full;
  }
  if (reservation.refusal != Refusal::none) {
    if (mine == 0) per_subject_.erase(subject);
    return reservation;
  }
  auto session = std::make_shared<Session>();
  session->id = new_session_id();
  session->subject = subject;
  ++mine;
  streams_.emplace(session->id, SseStream{session, nullptr, opener});
  reservation.session = std::move(session);
  return reservation;
}

void SseStreams::attach(const std::string& id, std::shared_ptr<http::ResponseStream> stream) {
  {
    std::lock_guard lock(mutex_);
    const auto it = streams_.find(id);
    if (it == streams_.end()) return;
    it->second.stream = stream;
  }
  stream->on_closed([this, id] { release(id); });  // outside the lock: it may run at once
}

void SseStreams::release(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = streams_.find(id);
  if (it == streams_.end()) return;
  const std::string subject = it->second.session->subject;
  streams_.erase(it);
  if (const auto count = per_subject_.find(subject); count != per_subject_.end() && --count->second == 0) {
    per_subject_.erase(count);
  }
}

std::optional<SseStream> SseStreams::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = streams_.find(id);
  if (it == streams_.end() || !it->second.stream) return std::nullopt;
  return it->second;
}

std::size_t SseStreams::open_for(const std::string& subject) const {
  std::lock_guard lock(mutex_);
  const auto it = per_subject_.find(subject);
  return it == per_subject_.end() ? 0 : it->second;
}

std::size_t SseStreams::size() const {
  std::lock_guard lock(mutex_);
  return streams_.size();
}

}  // namespace mcph::mcp::detail
