"""`deflator completion bash` completes commands, each command's options and choices, and
skips the value of a global option when finding the command."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from flows.cli import main


def complete(script: str, *words: str) -> list[str]:
    line = " ".join(f'"{w}"' for w in ("deflator", *words))
    program = f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words)}; _deflator\n"
    program += 'printf "%s\\n" "${COMPREPLY[@]}"'
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return done.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_of_commands_options_and_choices(capsys):
    assert main(["completion", "bash"]) == 0
    script = capsys.readouterr().out
    assert complete(script, "sou") == ["sources"]
    assert complete(script, "sources", "--f") == ["--format"]
    assert complete(script, "--db", "w.duckdb", "query", "--fo") == ["--format"]
    assert complete(script, "completion", "z") == ["zsh"]
    assert main(["completion", "zsh"]) == 0
    assert capsys.readouterr().out.startswith("autoload -U +X bashcompinit && bashcompinit\n")
