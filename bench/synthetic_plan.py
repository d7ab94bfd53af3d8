"""The synthetic plan of the web benchmark: now product code, ``cruscotto.demo.sintetico`` (the
synthetic installation of ``manage.py installazione_sintetica`` builds on it). Kept under this
name for bench/web.py and its tests."""

from cruscotto.demo.sintetico import ANNI, ANNO, ENTE_PREFIX, build_synthetic, ente_code, synthetic_plan_data

__all__ = ["ANNI", "ANNO", "ENTE_PREFIX", "build_synthetic", "ente_code", "synthetic_plan_data"]
