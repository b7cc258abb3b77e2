import dagster as dg

# GDELT 1.0 begins in 1979 (yearly files to 2005, monthly to March 2013, daily after); GDELT 2.0 serves
# every day from 2015-02-19. end_offset=1 includes the month in progress, which the refreshes fill.
GDELT_MONTHS = dg.MonthlyPartitionsDefinition(start_date="1979-01-01", end_offset=1)
