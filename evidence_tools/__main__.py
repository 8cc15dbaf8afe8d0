from evidence_tools.cli import main

main()
