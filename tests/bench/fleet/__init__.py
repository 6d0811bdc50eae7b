"""A fleet of kiosks played against a central service on loopback (issue 22, point 7).

Each simulated kiosk talks to the central as sync/worker.py does, on its own keep-alive
connection: a round every 30 s (GET /health, the submissions waiting, GET /v1/consultations
with If-None-Match), the catalogue every 15 min (GET /v1/forms with If-None-Match), a
heartbeat every 5 min; and a visit finished now and then, sealed as kiosk/store/outbox.py
seals it and sent at once. Time is compressed by `speedup`. At the end every submission made
is looked for in the central's own listing: lost ones and doubled ones are counted.

simulation.py plays the fleet (asyncio, aiohttp); kiosk.py is one kiosk's requests;
central.py starts a central and enrols the fleet's devices; `python -m tests.bench.fleet`
runs it against any central given its URL and a fleet file (the tokens).
"""
