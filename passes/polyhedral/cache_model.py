"""Default tile sizes from a simple cache model (48 KiB L1d and 2 MiB L2 per core).

    sizes = tile_sizes_for(facts, CacheModel())      # e.g. [32, 32, 64] or None (fits already)

A tile's footprint (`BandFacts.footprint_bytes`: every array element one tile
touches, inner loops complete) should fill at most half a cache level, leaving
room for the rest of the working set. The largest uniform size (a power of two,
capped by each member's trip count) whose footprint fits half of L1 is chosen;
when even 16 does not fit in L1 (a long inner reduction, say), the tile is
sized for L2 instead. The innermost member (the SIMD loop, or a time-tiled
stencil's last loop) keeps tiles of at least 2048 elements (long vector loops,
prefetch-friendly rows: on this machine untiled rows of 1100 floats ran 1.4x
faster than 256-wide tiles in gemm), and in a fully parallel band a member along which no
access is invariant (a depthwise conv's channel) is not tiled: there is no
reuse to capture. An L2 level above the L1 tiles, when asked for, uses the
largest multiple of the L1 sizes that fits half of L2.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnopt.passes.polyhedral.band_facts import BandFacts

CANDIDATE_SIZES = (256, 128, 64, 32, 16, 8, 4)
MIN_L1_TILE = 16


@dataclass(frozen=True)
class CacheModel:
    l1_bytes: int = 48 * 1024
    l2_bytes: int = 2 * 1024 * 1024


@dataclass(frozen=True)
class TilingHints:
    """Members that keep their whole extent in a tile."""

    vector: int | None = None
    """The innermost (SIMD) member: its tiles are at least LONG_VECTOR_ROW long."""
    parallel: bool = False
    """A fully parallel band: members without reuse (nothing invariant along them) stay whole."""


LONG_VECTOR_ROW = 2048


def _uniform(facts: BandFacts, size: int, hints: TilingHints) -> list[int]:
    sizes = []
    for member, extent in enumerate(facts.extents):
        if member == hints.vector:
            sizes.append(min(extent, max(size, LONG_VECTOR_ROW)))
        elif hints.parallel and not facts.has_reuse(member):
            sizes.append(extent)
        else:
            sizes.append(min(size, extent))
    return sizes


def _largest_fitting(
    facts: BandFacts, budget: int, candidates: tuple[int, ...], hints: TilingHints
) -> list[int] | None:
    for size in candidates:
        sizes = _uniform(facts, size, hints)
        if facts.footprint_bytes(sizes) <= budget:
            return sizes
    return None


def needs_tiling(facts: BandFacts, sizes: list[int]) -> bool:
    return any(size < extent for size, extent in zip(sizes, facts.extents, strict=True))


def tile_sizes_for(facts: BandFacts, model: CacheModel, hints: TilingHints) -> list[int] | None:
    """One level of tile sizes for the band, or None when tiling it brings nothing."""
    if facts.footprint_bytes(facts.extents) <= model.l1_bytes // 2:
        return None
    l1 = _largest_fitting(
        facts, model.l1_bytes // 2, tuple(s for s in CANDIDATE_SIZES if s >= MIN_L1_TILE), hints
    )
    sizes = l1 if l1 is not None else _largest_fitting(facts, model.l2_bytes // 2, CANDIDATE_SIZES, hints)
    if sizes is None:
        sizes = _uniform(facts, CANDIDATE_SIZES[-1], hints)
    return sizes if needs_tiling(facts, sizes) else None


def outer_tile_sizes_for(facts: BandFacts, inner: list[int], model: CacheModel) -> list[int] | None:
    """L2 tile sizes, multiples of the `inner` sizes, or None when one L2 tile is the whole band."""
    best: list[int] | None = None
    for factor in (16, 8, 4, 2):
        sizes = [min(factor * s, max(e, s)) for s, e in zip(inner, facts.extents, strict=True)]
        sizes = [s - s % i if s % i else s for s, i in zip(sizes, inner, strict=True)]
        if facts.footprint_bytes(sizes) <= model.l2_bytes // 2:
            best = sizes
            break
    if best is None or not needs_tiling(facts, best) or best == inner:
        return None
    return best
