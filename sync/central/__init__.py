"""The reference central service: receives sealed submissions exactly once, serves forms.

Qt-free and standard library HTTP only, so it runs anywhere the kiosk's Python does (and in
the kiosk's demo mode, on loopback). The REST contract is openapi.yaml beside this file.
"""

from .errors import CentralError
from .export import export_submissions
from .server import CentralServer
from .setup import InitResult, add_device, device_toml_block, init_central, revoke_device

__all__ = ["CentralError", "CentralServer", "InitResult", "add_device", "device_toml_block",
           "export_submissions", "init_central", "revoke_device"]
