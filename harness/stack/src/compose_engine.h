#pragma once
// Which Docker Compose compose mode drives, and on which container engine: Docker itself, or
// podman through the Docker-compatible API socket of `podman system service`.
#include <filesystem>
#include <string>
#include <vector>

namespace mcph::harness::stack {

struct ComposeEngine {
  std::vector<std::string> program;  // {"docker", "compose"}, or a standalone docker-compose
  std::string docker_host;           // DOCKER_HOST to give it; empty: its own (Docker's default)
  std::string hint;                  // what to do when the engine does not answer
};

// Compose v2: `docker compose` where a docker CLI with its compose plugin is, else the one scripts/bootstrap --real
// builds, else a docker-compose on PATH. The engine's socket: `socket` when named, else
// $DOCKER_HOST, else Docker's own, else podman's (root's, then the user's). Throws, saying what
// to install, when there is no Compose; without any socket found Compose tries its default
// and fails with its own words, which `hint` follows.
ComposeEngine find_compose_engine(const std::filesystem::path& socket);

}  // namespace mcph::harness::stack
