// Whole-file reads and atomic writes.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qsweep {

// Reads a whole file. Throws IoError naming the path.
std::string read_file(const std::filesystem::path& path);

// read_file() for large files parsed in place: the bytes land in a buffer that is not
// zero-filled first.
struct FileBytes {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  std::string_view view() const noexcept { return {data.get(), size}; }
};
FileBytes read_file_bytes(const std::filesystem::path& path);

// Writes `content` to `path` atomically: a temporary file in the same directory, flushed, then
// renamed over `path`. Readers see the old file or the new one, never a partial one. With
// `sync` the data is also forced to disk (fsync) before the rename, so it survives a power
// loss; files inside a write_dir_atomic() folder can skip that, the folder rename being the
// commit point a crashed process cannot half-do.
void write_file_atomic(const std::filesystem::path& path, std::string_view content, bool sync = true);

// What an existing output folder holds: the regular files named in `own_files` or temporary
// files write_file_atomic() left for them (".<file>.tmp-*", from a killed process), and the
// names, sorted, of every other entry but `ignored`. A missing `dir` holds nothing; one that is
// not a folder is an IoError.
struct FolderContents {
  std::vector<std::filesystem::path> own;
  std::vector<std::string> others;
};
FolderContents output_folder_contents(const std::filesystem::path& dir, std::span<const std::string_view> own_files,
                                      std::string_view ignored = {});

// Throws IoError unless `dir` is a folder: "<dir>: no such <kind> output folder", or "<dir>: not
// a folder (give the <kind>'s output folder)" when it is a file. `kind` is "backtest" or "sweep".
void require_output_folder(const std::filesystem::path& dir, std::string_view kind);

// Forces a written file's data to disk (fsync). Throws IoError naming the path.
void sync_file(const std::filesystem::path& path);

// Writes `content` to `path`, which must not exist yet, under its final name and without fsync:
// for files inside a write_dir_atomic() folder, which its rename publishes all at once. Throws
// IoError naming the path.
void write_new_file(const std::filesystem::path& path, std::string_view content);

// write_new_file() in pieces, for files better written as they are built than built whole in
// memory first. Created by the constructor (the path must not exist yet); write() appends;
// close() reports a failed flush. Throws IoError naming the path. A file not closed is closed
// quietly by the destructor (after an error, when its folder is discarded anyway).
// Not thread-safe: callers that share one serialise their calls.
class NewFile {
 public:
  explicit NewFile(std::filesystem::path path);
  NewFile(const NewFile&) = delete;
  NewFile& operator=(const NewFile&) = delete;
  ~NewFile();

  void write(std::string_view bytes);
  void close();

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

// Creates a fresh output directory atomically: `build(tmp)` fills a temporary sibling
// directory, which then replaces `dir` (an existing `dir` is removed only after `build`
// succeeded). On any exception the temporary directory is removed and `dir` is untouched.
template <class Build>
void write_dir_atomic(const std::filesystem::path& dir, Build&& build);

// Implementation helpers for write_dir_atomic.
std::filesystem::path make_temp_sibling_dir(const std::filesystem::path& dir);
void replace_dir(const std::filesystem::path& tmp, const std::filesystem::path& dir);
void remove_dir_quietly(const std::filesystem::path& dir) noexcept;

template <class Build>
void write_dir_atomic(const std::filesystem::path& dir, Build&& build) {
  const std::filesystem::path tmp = make_temp_sibling_dir(dir);
  try {
    build(tmp);
    replace_dir(tmp, dir);
  } catch (...) {
    remove_dir_quietly(tmp);
    throw;
  }
}

}  // namespace qsweep
