"""The reference central service: receives sealed submissions exactly once, serves forms.

Qt-free and standard library HTTP only, so it runs anywhere the kiosk's Python does (and in
the kiosk's demo mode, on loopback). The REST contract is openapi.yaml beside this file.
Import from the modules (setup, server, export): this package imports nothing itself, because
the kiosk's command line loads `central.cli` before it paints its first screen.
"""
