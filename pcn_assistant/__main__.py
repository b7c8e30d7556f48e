from pcn_assistant.cli import main

raise SystemExit(main())
