#ifndef SCHEDCORE_CHWLOC_SHIM_H
#define SCHEDCORE_CHWLOC_SHIM_H
#include <hwloc.h>
#endif
