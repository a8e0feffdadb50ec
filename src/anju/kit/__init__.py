"""The floor under the domain: pieces every app shares and no app owns (errors and their
codes, typed input fields, masks, dates, the xlsx and CSV writers, the workflow engine, the
"records changed" event). Nothing here imports an app of Anju's; import-linter keeps it so."""
