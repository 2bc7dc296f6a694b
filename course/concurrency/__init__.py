"""Module 4 (concurrency pitfalls) support: the interleaving explorer, forced overlaps for real
threads and a seeded asyncio event loop."""
