from prefect1_migrate.cli import main

main()
