"""ZSL/GZSL metric functions (rszoo.evaluation.functional.zsl) and ZSLMetric
against values computed by hand on a small known confusion.

The case: 4 classes, seen = {0, 1}, unseen = {2, 3}, 10 samples with integer
scores (so margins are exact). ``m`` = max seen score - max unseen score.

    sample  y  scores [s0 s1 s2 s3]  seen-argmax  unseen-argmax   m   gamma=0 pred
    a       0  [9 0 1 0]             0 (right)    2               8   0 right
    b       0  [5 0 3 2]             0 (right)    2               2   0 right
    c       0  [2 6 1 1]             1 (wrong)    2               5   1 wrong
    d       1  [0 4 6 0]             1 (right)    2              -2   2 wrong
    e       1  [1 7 0 2]             1 (right)    3               5   1 right
    f       2  [0 1 8 1]             0            2 (right)      -7   2 right
    g       2  [6 0 3 1]             0            2 (right)       3   0 wrong
    h       2  [0 2 1 7]             1            3 (wrong)      -5   3 wrong
    i       3  [0 5 0 4]             1            3 (right)       1   1 wrong
    j       3  [3 0 0 9]             0            3 (right)      -6   3 right

gamma = 0 (all four classes are candidates):
    S = mean(class 0: 2/3, class 1: 1/2) = 7/12 = 58.333 %
    U = mean(class 2: 1/3, class 3: 1/2) = 5/12 = 41.667 %
    H = 2 (7/12)(5/12) / (12/12) = 35/72 = 48.611 %
ZSL (unseen-class samples, unseen classes only): f, g right, h wrong; i, j right:
    mean(2/3, 2/2) = 5/6 = 83.333 %
S_max (gamma -> -inf, seen-argmax on seen samples) = mean(2/3, 2/2) = 5/6.

Seen-unseen curve: a correct seen-class sample is lost when gamma passes its
margin (d at -2: -1/4, b at 2: -1/6, e at 5: -1/4, a at 8: -1/6, in S); a
correct unseen-class sample is won (f at -7: +1/6, j at -6: +1/4, i at 1: +1/4,
g at 3: +1/6, in U). Distinct margins -7 -6 -5 -2 1 2 3 5 8 give 10 points:

    interval   (-inf,-7) (-7,-6) (-6,-5) (-5,-2) (-2,1) (1,2)  (2,3)  (3,5)  (5,8)  (8,inf)
    S           5/6       5/6     5/6     5/6     7/12   7/12   5/12   5/12   1/6    0
    U           0         1/6     5/12    5/12    5/12   2/3    2/3    5/6    5/6    5/6
    H           0         5/18    5/9     5/9     35/72  28/45  20/39  5/9    5/18   0

AUSUC (U on x, S on y; trapezoids where U changes):
    (1/6)(5/6) + (1/4)(5/6) + (1/4)(7/12) + (1/6)(5/12)
    = 20/144 + 30/144 + 21/144 + 10/144 = 81/144 = 9/16 -> 56.25
The best H is 28/45 = 62.222 % on (1, 2): choose_calibration returns the
midpoint gamma = 1.5 (S = 58.333, U = 66.667).
"""
import numpy as np


SCORES = np.array([
    [9, 0, 1, 0], [5, 0, 3, 2], [2, 6, 1, 1], [0, 4, 6, 0], [1, 7, 0, 2],
    [0, 1, 8, 1], [6, 0, 3, 1], [0, 2, 1, 7], [0, 5, 0, 4], [3, 0, 0, 9]], dtype=float)
LABELS = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3, 3])
SEEN, UNSEEN = [0, 1], [2, 3]
S0, U0, H0 = 100 * 7 / 12, 100 * 5 / 12, 100 * 35 / 72
ZSL = 100 * 5 / 6
CURVE_S = 100 * np.array([5 / 6, 5 / 6, 5 / 6, 5 / 6, 7 / 12, 7 / 12, 5 / 12, 5 / 12, 1 / 6, 0])
CURVE_U = 100 * np.array([0, 1 / 6, 5 / 12, 5 / 12, 5 / 12, 2 / 3, 2 / 3, 5 / 6, 5 / 6, 5 / 6])
AUSUC = 56.25
