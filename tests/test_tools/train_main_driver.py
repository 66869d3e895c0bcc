"""Run ``tools/train.py``'s ``main()`` several times in one process (one start-up).

    python train_main_driver.py '[["--work-dir", "a", ...], {"copy": ["src", "dst"]}, ...]'

Each list is one ``main(argv)`` call; ``{"copy": [src, dst]}`` copies a file
(a checkpoint into the folder of a run that resumes from it). Used by
``test_train_resume.py``: an uninterrupted run and runs resumed from its
checkpoints, each with its own work dir and experiment name.
"""
import json
import os
import os.path as osp
import runpy
import shutil
import sys

# no re-exec with the tuned allocator: it restarts ``sys.argv``, not this script's job
os.environ['RSZOO_DEFAULT_MALLOC'] = '1'
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def main(steps):
    train = runpy.run_path(osp.join(REPO, 'tools', 'train.py'), run_name='rszoo_train_tool')
    for step in steps:
        if isinstance(step, dict):
            os.makedirs(osp.dirname(step['copy'][1]), exist_ok=True)
            shutil.copyfile(*step['copy'])
        else:
            train['main'](step)


if __name__ == '__main__':
    main(json.loads(sys.argv[1]))
