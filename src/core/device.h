/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device model. A device type is a const DeviceClass; an instance is a Device whose state
 * struct (dev->s, class->state_size bytes, zeroed) holds both its configuration (props, set from
 * the profile before realize) and its saved state (described by class->state). realize() claims
 * ports, MMIO, events; reset() puts the chip in its power-on (cold) or reset-pin (warm) state.
 * Every callback a device registers takes the Device * (or its state) as opaque.
 *
 * Devices never include another device's header. They meet only through the buses, irq lines and
 * the DMA interface. Interrupt outputs are numbered lines owned by the Device (dev->irq_out); the
 * board connects them to another device's inputs (class->irq_in) with device_connect_irq().
 */
#ifndef AMBER_CORE_DEVICE_H
#define AMBER_CORE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/irq.h"
#include "core/state.h"

typedef struct Machine Machine;
typedef struct Device Device;

typedef enum ResetKind { RESET_COLD, RESET_WARM } ResetKind;

typedef enum PropKind {
    PROP_INT,    /* int64_t, checked against [min, max] */
    PROP_UINT,   /* uint64_t, checked against [min, max] (as unsigned) */
    PROP_BOOL,   /* bool: true/false/yes/no/on/off/1/0 */
    PROP_SIZE,   /* uint64_t bytes: "4M", "640K", "1G", "512"; checked against [min, max] */
    PROP_STRING, /* char *, owned by the device (freed with it) */
    PROP_PATH,   /* char *, a host file; relative paths resolve against the profile's folder */
    PROP_ENUM,   /* int: index into choices (NULL-terminated) */
} PropKind;

typedef struct PropDef {
    const char *name;
    PropKind kind;
    size_t offset;       /* in the device's state struct */
    int64_t min, max;    /* for numbers; min == max == 0 means unchecked */
    const char *defval;  /* applied at creation; NULL leaves the zeroed value */
    const char *const *choices; /* PROP_ENUM */
    const char *help;
} PropDef;
#define PROP_END { NULL, 0, 0, 0, 0, NULL, NULL, NULL }

typedef struct DeviceClass {
    const char *type;           /* "pic8259", "pit8254", ... */
    const char *desc;
    size_t state_size;
    uint32_t state_version;
    const StateField *state;    /* may be NULL for stateless devices */
    const PropDef *props;       /* may be NULL */
    unsigned n_irq_out;
    unsigned n_irq_in;
    IrqSinkFn irq_in;           /* called with opaque = the Device * */
    bool (*realize)(Device *dev, AmberError *err);
    void (*unrealize)(Device *dev);
    void (*reset)(Device *dev, ResetKind kind);
    bool (*post_load)(Device *dev, AmberError *err);
} DeviceClass;

struct Device {
    const DeviceClass *cls;
    char *id;                 /* unique in the machine; the profile section and save section name */
    void *s;                  /* the state struct */
    Machine *machine;
    IrqLine *irq_out;         /* cls->n_irq_out lines */
    bool realized;
    Device *next;
};

/* Creation is done through machine_add_device(); these work on any device. */
bool device_set_prop(Device *dev, const char *name, const char *value, const char *base_dir,
                     AmberError *err);
const PropDef *device_find_prop(const Device *dev, const char *name);
/* Connects output `out` of src to input `in` of dst (dst's class irq_in). */
bool device_connect_irq(Device *src, unsigned out, Device *dst, unsigned in, AmberError *err);
/* Connects output `out` of src to an arbitrary sink (a CPU's INTR pin, a test probe). */
bool device_connect_irq_sink(Device *src, unsigned out, IrqSinkFn sink, void *opaque, int n,
                             AmberError *err);
static inline void device_irq_set(Device *dev, unsigned out, bool level)
{
    irq_set(&dev->irq_out[out], level);
}

/* Shared by devices and boards: parses a PROP_SIZE/PROP_BOOL/number string. */
bool prop_parse_size(const char *text, uint64_t *out);
bool prop_parse_bool(const char *text, bool *out);
bool prop_parse_int(const char *text, int64_t *out);
/* Applies one prop to any struct (devices, boards, CPU models share this). */
bool prop_apply(const PropDef *p, void *base, const char *value, const char *base_dir,
                const char *where, AmberError *err);
void prop_free_strings(const PropDef *props, void *base);

#endif
