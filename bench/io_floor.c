/* io_floor: the least any program must do to produce a `qsweep backtest` output folder, with
 * no parsing, computing or formatting at all, so that bench/time_runs.sh can put qsweep's
 * whole-process times beside the machine's floor for the same files.
 *
 *   io_floor OUT MODEL_DIR INPUT...
 *
 * As qsweep does: it reads each INPUT file whole (one read() into a buffer reused from file to
 * file) and looks at a byte of each 64-byte cache line, creates a hidden sibling folder of OUT,
 * writes into it one file per regular file of MODEL_DIR (a real output folder) with the same
 * name and size, in 64 kB writes, then swaps it with OUT in one renameat2(RENAME_EXCHANGE)
 * (two renames where the file system cannot) and deletes the old folder. Plain C and libc: no
 * C++ runtime to load. Exit status 0, or 1 with a message on stderr. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char* what, const char* path) {
  fprintf(stderr, "io_floor: %s: %s: %s\n", path, what, strerror(errno));
  return 1;
}

/* dir + "/" + name into path[4096]; 0, or 1 when too long. */
static int join(char* path, const char* dir, const char* name) {
  const int n = snprintf(path, 4096, "%s/%s", dir, name);
  if (n < 0 || n >= 4096) {
    fprintf(stderr, "io_floor: %s/%s: path too long\n", dir, name);
    return 1;
  }
  return 0;
}

/* Reads `path` whole into *buffer (grown as needed) and adds a byte of each cache line to *sum. */
static int read_input(const char* path, char** buffer, size_t* capacity, unsigned* sum) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("cannot open", path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return fail("cannot stat", path);
  }
  const size_t size = (size_t)st.st_size;
  if (size > *capacity) {
    free(*buffer);
    *buffer = malloc(size);
    *capacity = *buffer != NULL ? size : 0;
    if (*buffer == NULL) {
      close(fd);
      return fail("out of memory for", path);
    }
  }
  for (size_t done = 0; done < size;) {
    const ssize_t n = read(fd, *buffer + done, size - done);
    if (n <= 0) {
      close(fd);
      return fail("cannot read", path);
    }
    done += (size_t)n;
  }
  close(fd);
  for (size_t i = 0; i < size; i += 64) *sum += (unsigned char)(*buffer)[i];
  return 0;
}

/* Removes the regular files of `dir`, then `dir`. */
static int remove_folder(const char* dir) {
  DIR* d = opendir(dir);
  if (d == NULL) return fail("cannot open folder", dir);
  char path[4096];
  for (struct dirent* e; (e = readdir(d)) != NULL;) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (join(path, dir, e->d_name) != 0 || unlink(path) != 0) {
      closedir(d);
      return fail("cannot delete", path);
    }
  }
  closedir(d);
  return rmdir(dir) == 0 ? 0 : fail("cannot delete folder", dir);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: io_floor OUT MODEL_DIR INPUT...\n");
    return 1;
  }
  const char* out = argv[1];
  const char* model = argv[2];
  unsigned sum = 0;
  char* buffer = NULL;
  size_t capacity = 0;
  for (int i = 3; i < argc; ++i)
    if (read_input(argv[i], &buffer, &capacity, &sum) != 0) return 1;
  free(buffer);

  char tmp[4096], old[4096], path[4096];
  snprintf(tmp, sizeof tmp, "%s.io_floor-tmp-%d", out, (int)getpid());
  snprintf(old, sizeof old, "%s.io_floor-old-%d", out, (int)getpid());
  if (mkdir(tmp, 0755) != 0) return fail("cannot create folder", tmp);
  static char block[64 * 1024];
  memset(block, (int)('0' + sum % 10), sizeof block);
  DIR* d = opendir(model);
  if (d == NULL) return fail("cannot open folder", model);
  for (struct dirent* e; (e = readdir(d)) != NULL;) {
    struct stat st;
    if (join(path, model, e->d_name) != 0) return 1;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (join(path, tmp, e->d_name) != 0) return 1;
    const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return fail("cannot create", path);
    for (off_t left = st.st_size; left > 0;) {
      const size_t n = left < (off_t)sizeof block ? (size_t)left : sizeof block;
      if (write(fd, block, n) != (ssize_t)n) return fail("cannot write", path);
      left -= (off_t)n;
    }
    if (close(fd) != 0) return fail("cannot close", path);
  }
  closedir(d);
  struct stat existing;
  if (stat(out, &existing) == 0) {
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE) == 0) return remove_folder(tmp);
    if (rename(out, old) != 0) return fail("cannot move aside", out);
    if (rename(tmp, out) != 0) return fail("cannot move into place", tmp);
    return remove_folder(old);
  }
  return rename(tmp, out) == 0 ? 0 : fail("cannot move into place", tmp);
}
