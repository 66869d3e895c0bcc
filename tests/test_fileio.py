"""Checkpoints are written atomically: a killed writer never leaves a file resume trusts."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import torch
from mmengine.fileio import get_file_backend

from rszoo.fileio import atomic_write_bytes
from rszoo.utils import register_all_modules

register_all_modules()


def test_backend_is_registered_and_writes(tmp_path):
    backend = get_file_backend(str(tmp_path), backend_args=dict(backend='atomic_local'))
    target = tmp_path / 'sub' / 'a.bin'
    backend.put(b'hello', target)
    backend.put_text('epoch_1.pth', tmp_path / 'last_checkpoint')
    assert target.read_bytes() == b'hello'
    assert (tmp_path / 'last_checkpoint').read_text() == 'epoch_1.pth'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['last_checkpoint', 'sub']


def test_failure_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / 'epoch_1.pth'
    target.write_bytes(b'old complete file')

    def broken_replace(src, dst):
        raise OSError('disk full')

    monkeypatch.setattr(os, 'replace', broken_replace)
    with pytest.raises(OSError, match='disk full'):
        atomic_write_bytes(b'new', target)
    assert target.read_bytes() == b'old complete file'
    assert [p.name for p in tmp_path.iterdir()] == ['epoch_1.pth']


def test_killed_mid_save_keeps_previous_checkpoint(tmp_path):
    """SIGKILL while the checkpoint bytes are being flushed: the target is intact."""
    target = tmp_path / 'epoch_2.pth'
    torch.save({'state_dict': {'w': torch.zeros(4)}}, target)
    script = textwrap.dedent(f'''
        import os, sys, time, io, torch
        from rszoo.utils import register_all_modules; register_all_modules()
        from mmengine.fileio import get_file_backend
        real_fsync = os.fsync
        def slow_fsync(fd):
            print('writing', flush=True); time.sleep(60)
        os.fsync = slow_fsync
        buf = io.BytesIO(); torch.save({{'state_dict': {{'w': torch.ones(1_000_000)}}}}, buf)
        get_file_backend({str(tmp_path)!r}, backend_args=dict(backend='atomic_local')).put(
            buf.getvalue(), {str(target)!r})
    ''')
    proc = subprocess.Popen([sys.executable, '-c', script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == 'writing'
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    ckpt = torch.load(target, weights_only=True)
    assert torch.equal(ckpt['state_dict']['w'], torch.zeros(4))
    # what the killed writer left is a hidden temp file, never the target name
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != 'epoch_2.pth']
    assert all(n.startswith('.epoch_2.pth.') and n.endswith('.tmp') for n in leftovers)
