"""``python -m storyline`` is the ``storyline`` command."""
from storyline.cli.main import main

main()
