#include "qsweep/file_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "qsweep/error.hpp"

namespace fs = std::filesystem;

namespace qsweep {
namespace {

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:x}.{}", rng() & 0xffffffffULL, ::getpid());
}

// A hidden sibling of `target` named ".<name>.<kind>-<random>", its name cut (at a UTF-8
// character boundary) so that the whole stays within the 255 bytes a file name may have.
fs::path hidden_sibling(const fs::path& target, std::string_view kind) {
  constexpr std::size_t kMaxName = 255;
  const std::string suffix = fmt::format(".{}-{}", kind, random_suffix());
  std::string name = target.filename().string();
  const std::size_t room = kMaxName - 1 - suffix.size();
  if (name.size() > room) {
    std::size_t cut = room;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
    name.resize(cut);
  }
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  return parent / fmt::format(".{}{}", name, suffix);
}

}  // namespace

namespace {

// Reads the whole regular file `path` into the buffer `allocate(size)` returns.
template <class Allocate>
void read_whole_file(const fs::path& path, Allocate&& allocate) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw IoError(fmt::format("{}: cannot open for reading: {}", path.string(), std::strerror(err)));
  }
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    throw IoError(fmt::format("{}: cannot read (not a regular file?)", path.string()));
  }
  const auto size = static_cast<std::size_t>(status.st_size);
  char* const buffer = allocate(size);
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = ::read(fd, buffer + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // an error, or the file shrank while being read
      const int err = n < 0 ? errno : 0;
      ::close(fd);
      throw IoError(fmt::format("{}: read failed{}", path.string(), err ? fmt::format(": {}", std::strerror(err)) : ""));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

}  // namespace

std::string read_file(const fs::path& path) {
  std::string content;
  read_whole_file(path, [&](std::size_t size) {
    content.resize(size);
    return content.data();
  });
  return content;
}

FileBytes read_file_bytes(const fs::path& path) {
  FileBytes bytes;
  read_whole_file(path, [&](std::size_t size) {
    bytes.data.reset(new char[size]);  // not zero-filled: read() overwrites every byte
    bytes.size = size;
    return bytes.data.get();
  });
  return bytes;
}

namespace {

// Writes all of `content` to `fd`; false (errno set) on failure.
bool write_all(int fd, std::string_view content) {
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

NewFile::NewFile(fs::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    const int err = errno;
    throw IoError(fmt::format("{}: cannot create: {}", path_.string(), std::strerror(err)));
  }
}

NewFile::~NewFile() {
  if (fd_ >= 0) ::close(fd_);
}

void NewFile::write(std::string_view bytes) {
  if (!write_all(fd_, bytes)) {
    const int err = errno;
    throw IoError(fmt::format("{}: write failed: {}", path_.string(), std::strerror(err)));
  }
}

void NewFile::close() {
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    const int err = errno;
    throw IoError(fmt::format("{}: flush failed: {}", path_.string(), std::strerror(err)));
  }
}

void write_new_file(const fs::path& path, std::string_view content) {
  NewFile file(path);
  file.write(content);
  file.close();
}

void write_file_atomic(const fs::path& path, std::string_view content, bool sync) {
  const fs::path tmp = hidden_sibling(path, "tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    throw IoError(fmt::format("{}: cannot create (as {} first): {}", path.string(), tmp.filename().string(),
                              std::strerror(err)));
  }
  if (!write_all(fd, content)) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw IoError(fmt::format("{}: write failed: {}", path.string(), std::strerror(err)));
  }
  if ((sync && ::fsync(fd) != 0) || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw IoError(fmt::format("{}: flush failed: {}", path.string(), std::strerror(err)));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw IoError(fmt::format("{}: cannot rename into place: {}", path.string(), std::strerror(err)));
  }
}

FolderContents output_folder_contents(const fs::path& dir, std::span<const std::string_view> own_files,
                                      std::string_view ignored) {
  // write_file_atomic's temporary for `file`: ".<file>.tmp-<suffix>".
  auto is_file_or_its_temporary = [](std::string_view name, std::string_view file) {
    constexpr std::string_view kTmp = ".tmp-";
    return name == file || (name.size() > 1 + file.size() + kTmp.size() && name[0] == '.' &&
                            name.substr(1, file.size()) == file && name.substr(1 + file.size(), kTmp.size()) == kTmp);
  };
  FolderContents contents;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return contents;
  if (!fs::is_directory(dir, ec))
    throw IoError(fmt::format("{}: exists and is not a folder; choose another --out", dir.string()));
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == ignored) continue;
    const bool own = std::any_of(own_files.begin(), own_files.end(),
                                 [&](std::string_view file) { return is_file_or_its_temporary(name, file); });
    if (own && entry.is_regular_file(ec)) contents.own.push_back(entry.path());
    else contents.others.push_back(name);
  }
  if (ec) throw IoError(fmt::format("{}: cannot list: {}", dir.string(), ec.message()));
  std::sort(contents.others.begin(), contents.others.end());
  return contents;
}

void require_output_folder(const fs::path& dir, std::string_view kind) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  throw IoError(fs::exists(dir, ec) ? fmt::format("{}: not a folder (give the {}'s output folder)", dir.string(), kind)
                                    : fmt::format("{}: no such {} output folder", dir.string(), kind));
}

void sync_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    throw IoError(fmt::format("{}: flush failed: {}", path.string(), std::strerror(err)));
  }
  ::close(fd);
}

fs::path make_temp_sibling_dir(const fs::path& dir) {
  std::error_code ec;
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  if (ec) throw IoError(fmt::format("{}: cannot create directory: {}", parent.string(), ec.message()));
  const fs::path tmp = hidden_sibling(dir, "tmp");
  fs::create_directory(tmp, ec);
  if (ec)
    throw IoError(fmt::format("{}: cannot create the folder (as {} first): {}", dir.string(), tmp.filename().string(),
                              ec.message()));
  return tmp;
}

void replace_dir(const fs::path& tmp, const fs::path& dir) {
  std::error_code ec;
#ifdef RENAME_EXCHANGE
  // One atomic swap where the file system can (Linux 3.15+; not NFS): `dir` never goes missing,
  // and the old folder ends up under the temporary name.
  if (fs::is_directory(dir, ec) &&
      ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(tmp, ec);
    return;
  }
#endif
  if (fs::exists(dir, ec)) {
    const fs::path old = hidden_sibling(dir, "old");
    fs::rename(dir, old, ec);
    if (ec) throw IoError(fmt::format("{}: cannot replace: {}", dir.string(), ec.message()));
    fs::rename(tmp, dir, ec);
    if (ec) {
      std::error_code ignored;
      fs::rename(old, dir, ignored);
      throw IoError(fmt::format("{}: cannot move results into place: {}", dir.string(), ec.message()));
    }
    fs::remove_all(old, ec);
    return;
  }
  fs::rename(tmp, dir, ec);
  if (ec) throw IoError(fmt::format("{}: cannot move results into place: {}", dir.string(), ec.message()));
}

void remove_dir_quietly(const fs::path& dir) noexcept {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace qsweep
