"""The seen-unseen accuracy curve (Chao et al., ECCV 2016) as drawn: the area
under the drawn line is the AUSUC; tools/zeroshot/zsl_protocol.py --plot-dir."""
import json
import os.path as osp
import sys

import numpy as np
import pytest
from PIL import Image

from rszoo.evaluation.functional import ausuc, gzsl_accuracies
from rszoo.visualization import plot_seen_unseen_curves

from conftest import REPO_ROOT
from helpers.mcfa import write_linear_zsl_problem


# seen = {0, 1}, unseen = {2, 3}, one sample per class. Margins m_i = best seen -
# best unseen score: 3, -1, -2, 2. Sweeping gamma: (U, S) = (0, 100) -> (50, 100)
# [sample 3 flips to its correct unseen class] -> (50, 50) [sample 2 flips away from
# its correct seen class] -> (100, 50) -> (100, 0).
# Area: 50 * 100 + 0 + 50 * 50 + 0 = 7500 (% x %) -> AUSUC 75.
SCORES = np.array([[5., 1., 2., 0.],
                   [0., 3., 4., 1.],
                   [1., 0., 3., 2.],
                   [4., 0., 1., 2.]])
LABELS = np.array([0, 1, 2, 3])
SEEN, UNSEEN = [0, 1], [2, 3]


def drawn_area(line):
    """Area under a drawn (U, S) line, in percent of the unit square."""
    x, y = (np.asarray(v, dtype=float) for v in line.get_data())
    return float(np.sum(np.diff(x) * (y[:-1] + y[1:]) / 2.) / 100.)


def test_drawn_curve_area_is_the_ausuc_on_a_toy_matrix():
    area, curve = ausuc(SCORES, LABELS, SEEN, UNSEEN)
    assert area == pytest.approx(75.)
    np.testing.assert_allclose(curve['unseen'], [0, 50, 50, 100, 100])
    np.testing.assert_allclose(curve['seen'], [100, 100, 50, 50, 0])
    fig = plot_seen_unseen_curves({'toy': (area, curve)},
                                  operating_points={'toy': (50., 100.)}, title='toy')
    ax = fig.axes[0]
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_xdata(), curve['unseen'])
    np.testing.assert_allclose(line.get_ydata(), curve['seen'])
    assert drawn_area(line) == pytest.approx(area)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ['toy (AUSUC 75.00)']
    marker = ax.lines[1]
    assert (marker.get_xdata()[0], marker.get_ydata()[0]) == (50., 100.)
    assert ax.get_xlim() == (-2., 102.) and ax.get_ylim() == (-2., 102.)


def test_drawn_area_matches_ausuc_on_random_scores_and_several_curves():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 6, size=80)
    seen, unseen = [0, 2, 5], [1, 3, 4]
    curves = {}
    for name, shift in (('weak', 0.), ('strong', 3.)):
        scores = rng.normal(size=(80, 6)) + shift * np.eye(6)[labels]
        curves[name] = ausuc(scores, labels, seen, unseen)
        # every drawn point is a real GZSL operating point
        _, curve = curves[name]
        mid = len(curve['gamma']) // 2
        r = gzsl_accuracies(scores, labels, seen, unseen, curve['gamma'][mid])
        assert (r['unseen'], r['seen']) == (pytest.approx(curve['unseen'][mid]),
                                            pytest.approx(curve['seen'][mid]))
    fig = plot_seen_unseen_curves(curves)
    lines = fig.axes[0].lines
    assert len(lines) == 2
    for line, (area, _) in zip(lines, curves.values()):
        assert drawn_area(line) == pytest.approx(area)
    assert curves['strong'][0] > curves['weak'][0]
    with pytest.raises(ValueError, match='no curve'):
        plot_seen_unseen_curves({})


def test_zsl_protocol_draws_the_curves(tmp_path):
    """--plot-dir: one PNG per (split, embedding); rows and JSON lines stay curve-free."""
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'zeroshot'))
    import zsl_protocol
    write_linear_zsl_problem(tmp_path, per_class=10, noise=0.3)
    out = tmp_path / 'rows.jsonl'
    rows = zsl_protocol.main(['--features', str(tmp_path / 'feats.npz'),
                              '--splits', str(tmp_path / 'split.json'),
                              '--embeddings', str(tmp_path / 'emb.npy'), '--methods', 'eszsl',
                              '--work-dir', str(tmp_path / 'proto'), '--out', str(out),
                              '--plot-dir', str(tmp_path / 'plots')])
    assert len(rows) == 1 and 'curve' not in rows[0]
    assert 'curve' not in json.loads(out.read_text().splitlines()[0])
    png = tmp_path / 'plots' / 'split_emb.npy_ausuc.png'
    assert png.is_file(), sorted(p.name for p in (tmp_path / 'plots').iterdir())
    width, height = Image.open(png).size
    assert width > 300 and height > 300
