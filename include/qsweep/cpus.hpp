// How many CPUs this process may use.
#pragma once

namespace qsweep {

// The number of CPUs this process may run on: sched_getaffinity, capped by
// SLURM_CPUS_PER_TASK when set. At least 1.
unsigned available_cpus();

}  // namespace qsweep
