/* SPDX-License-Identifier: MIT */
/*
 * libnvmx: nested VMX capability MSRs exactly as Linux KVM computes, reports
 * and checks them, release by release.
 *
 * Every public header is reachable from here.  The core (all but io.h and
 * inventory.h) is plain C11 over plain structs: no I/O, no allocation, no
 * global state; it is built freestanding.  io.h adds the readers and writers
 * (stdio), inventory.h the fleet reader (files, directories, JSON Lines).
 * The API is described with examples in docs/api.md.
 */
#ifndef NVMX_H
#define NVMX_H

#include "error.h"
#include "msr.h"
#include "catalog.h"
#include "host.h"
#include "partial.h"
#include "kvm.h"
#include "vcpu.h"
#include "migrate.h"
#include "verdict.h"
#include "scenario.h"
#include "nested_state.h"
#include "qemu.h"
#include "qemu_migrate.h"
#include "report.h"
#include "explain.h"
#include "fleet.h"
#include "sdm_check.h"
#include "inventory.h"
#include "io.h"

#endif
