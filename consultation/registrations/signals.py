"""What registrations tell the features built on them (the follow-up), which connect to these
signals where they define what they add: registrations never imports them."""

from blinker import Namespace

_signals = Namespace()

#: The registration's consents were recorded (it was made, or its answers changed): a
#: receiver follows the ones it keeps (the follow-up's emails). Sent with the registration.
consents_recorded = _signals.signal("consents-recorded")
