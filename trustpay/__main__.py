from trustpay.cli import main

main()
