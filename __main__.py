"""`python -m policykg ...`: the same command line as the `policykg` script."""

from policykg.cli import main

if __name__ == "__main__":
    main()
