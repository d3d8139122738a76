#include "mcph/postgres/message.h"

namespace mcph::postgres {

std::string message_text(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace mcph::postgres
