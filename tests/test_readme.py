"""The README opens with the two commands, CI runs the second, and the table is current."""
import re
import subprocess
import sys

from conftest import REPO_ROOT


def readme_commands():
    text = (REPO_ROOT / 'README.md').read_text()
    block = re.search(r'```bash\n(.*?)```', text, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith('#')]


def test_readme_opens_with_two_commands():
    text = (REPO_ROOT / 'README.md').read_text()
    assert text.index('```bash') < 20, 'the README must open with the commands'
    main_job, tests = readme_commands()
    assert main_job.startswith('pip install -e .') and 'tools/train.py configs/' in main_job
    config = re.search(r'(configs/\S+\.py)', main_job).group(1)
    assert (REPO_ROOT / config).is_file()
    assert tests.startswith('pip install -e ".[tests]"') and 'pytest' in tests


def test_ci_runs_the_readme_test_command():
    ci = (REPO_ROOT / '.ci' / 'run').read_text()
    assert readme_commands()[1] in ci


def test_model_table_is_current():
    out = subprocess.run([sys.executable, 'tools/gen_model_table.py', '--check'], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
