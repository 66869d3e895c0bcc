"""tools/slurm_test.sh: the srun command line it builds (a fake srun echoes it)."""
import os
import subprocess

from conftest import REPO_ROOT

SCRIPT = REPO_ROOT / 'tools' / 'slurm_test.sh'


def run(tmp_path, *args, **env):
    fake = tmp_path / 'bin'
    fake.mkdir(exist_ok=True)
    srun = fake / 'srun'
    srun.write_text('#!/usr/bin/env bash\necho "SRUN $*"\necho "PYTHONPATH=$PYTHONPATH"\n')
    srun.chmod(0o755)
    full_env = dict(os.environ, PATH=f'{fake}:{os.environ["PATH"]}', **env)
    for key in ('GPUS', 'GPUS_PER_NODE', 'CPUS_PER_TASK', 'SRUN_ARGS'):
        if key not in env:
            full_env.pop(key, None)
    return subprocess.run(['bash', str(SCRIPT), *args], cwd=REPO_ROOT, env=full_env,
                          capture_output=True, text=True, timeout=60)


def test_syntax_and_executable():
    assert subprocess.run(['bash', '-n', str(SCRIPT)]).returncode == 0
    assert os.access(SCRIPT, os.X_OK)


def test_srun_command_line(tmp_path):
    out = run(tmp_path, 'gpu', 'eval', 'configs/x.py', 'work_dirs/x/epoch_1.pth',
              '--out', 'preds.pkl', GPUS='4', GPUS_PER_NODE='2', CPUS_PER_TASK='3',
              SRUN_ARGS='--quotatype=auto')
    assert out.returncode == 0, out.stderr
    srun = next(line for line in out.stdout.splitlines() if line.startswith('SRUN '))
    assert srun == ('SRUN -p gpu --job-name=eval --gres=gpu:2 --ntasks=4 --ntasks-per-node=2 '
                    '--cpus-per-task=3 --kill-on-bad-exit=1 --quotatype=auto python -u '
                    'tools/test.py configs/x.py work_dirs/x/epoch_1.pth --launcher=slurm '
                    '--out preds.pkl')
    # the package is installed: the script does not put the checkout on PYTHONPATH
    assert f'{SCRIPT.parent}/..' not in out.stdout


def test_defaults_and_usage(tmp_path):
    out = run(tmp_path, 'p', 'j', 'c.py', 'ck.pth')
    assert out.returncode == 0, out.stderr
    assert '--gres=gpu:8 --ntasks=8 --ntasks-per-node=8 --cpus-per-task=5' in out.stdout
    out = run(tmp_path, 'p', 'j', 'c.py')
    assert out.returncode == 2 and 'usage:' in out.stderr
