"""Local stand-ins for every outside service (Setu, payout rail, Telegram) and the web chat."""
