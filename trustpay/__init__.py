"""TrustPay: the composition root and the `trustpay` command."""
