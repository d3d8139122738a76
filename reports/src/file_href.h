#pragma once
// Links from a report page to files beside it (trace files): a relative URL when the page's
// folder is known, so the report and its traces can be moved or archived together.
#include <filesystem>
#include <string>

namespace mcph::reports::detail {

// The href of `file` for a page in `page_dir`: relative to it when possible, else a file: URL
// of the absolute path. Relative paths in `file` are taken from the current directory (where
// the run wrote them). An empty `page_dir`: the path as it is. Every byte outside RFC 3986's
// unreserved set and '/' is percent-encoded, so no path can read as another scheme (javascript:).
std::string file_href(const std::filesystem::path& file, const std::filesystem::path& page_dir);

// Percent-encodes everything but A-Z a-z 0-9 - . _ ~ and '/'.
std::string percent_encode_path(std::string_view path);

}  // namespace mcph::reports::detail
