import dagster as dg

# GDELT 2.0 begins on 2015-02-19. end_offset=1 includes the month in progress, which the daily refresh fills.
GDELT_MONTHS = dg.MonthlyPartitionsDefinition(start_date="2015-02-01", end_offset=1)
