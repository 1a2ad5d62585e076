/* SPDX-License-Identifier: MIT */
/*
 * libnvmx: nested VMX capability MSRs exactly as Linux KVM computes, reports
 * and checks them, release by release.
 *
 * The core (catalog.h, host.h, kvm.h, vcpu.h) is plain C11 over plain structs:
 * no I/O, no allocation, no global state.  io.h adds the readers.
 */
#ifndef NVMX_H
#define NVMX_H

#include "msr.h"
#include "catalog.h"
#include "host.h"
#include "kvm.h"
#include "vcpu.h"
#include "migrate.h"
#include "scenario.h"
#include "nested_state.h"
#include "io.h"

#endif
