#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Closes a window the way a window manager's close button does: a WM_PROTOCOLS ClientMessage
# carrying WM_DELETE_WINDOW (ICCCM 4.2.8.1). Usage: wm_close.py WINDOW_ID
import sys

from Xlib import X, display, protocol

d = display.Display()
win = d.create_resource_object("window", int(sys.argv[1]))
wm_protocols = d.intern_atom("WM_PROTOCOLS")
wm_delete = d.intern_atom("WM_DELETE_WINDOW")
event = protocol.event.ClientMessage(window=win, client_type=wm_protocols,
                                     data=(32, [wm_delete, X.CurrentTime, 0, 0, 0]))
win.send_event(event, event_mask=X.NoEventMask)
d.flush()
