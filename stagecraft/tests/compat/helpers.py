"""The demo data set the contract tests write to and read from (loaded by the `demo` fixture)."""

GROUP, TYPE = "carers-allowance", "transactions-by-channel"
NAME = "carers_allowance_transactions_by_channel"
