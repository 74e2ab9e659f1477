#include "qsweep/cpus.hpp"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include <sched.h>

namespace qsweep {

unsigned available_cpus() {
  unsigned cpus = 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cpus = static_cast<unsigned>(CPU_COUNT(&set));
  if (cpus == 0) cpus = std::max(1u, std::thread::hardware_concurrency());
  if (const char* slurm = std::getenv("SLURM_CPUS_PER_TASK")) {
    const long n = std::strtol(slurm, nullptr, 10);
    if (n > 0) cpus = std::min(cpus, static_cast<unsigned>(n));
  }
  return cpus;
}

}  // namespace qsweep
