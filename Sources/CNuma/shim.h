#ifndef SCHEDCORE_CNUMA_SHIM_H
#define SCHEDCORE_CNUMA_SHIM_H
#include <numa.h>
#include <numaif.h>
#endif
