from crmrev.cli import main

main()
