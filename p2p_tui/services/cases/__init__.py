"""A case from referral to close: intake, its lifecycle, matching, the follow-up queue, the clocks,
safety and surveys."""
