import dagster as dg

from pipeline.lib.gdelt.dates import GDELT_V1_START

# One partition per month since GDELT 1.0 begins (pipeline/lib/gdelt/dates.py says which system serves which
# days). end_offset=1 includes the month in progress, which the refreshes fill.
GDELT_MONTHS = dg.MonthlyPartitionsDefinition(start_date=GDELT_V1_START.isoformat(), end_offset=1)
