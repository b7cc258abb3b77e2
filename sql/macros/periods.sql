-- Period bucketing, the one definition every panel uses: a period is a calendar month, quarter or year (unit),
-- named by its first day, and numbered from 1970 (period_index: 1970-01-01 is period 0 of every unit) so that
-- "k periods later" is integer arithmetic. TEMP macros, defined on every warehouse connection
-- (pipeline/lib/warehouse.py, connect): a DuckLake stores no functions. The view contract_windows, which any
-- DuckDB client reads, therefore writes out period_start_of's body instead of calling it.
CREATE OR REPLACE TEMP MACRO period_months(unit) AS
    CASE unit WHEN 'month' THEN 1 WHEN 'quarter' THEN 3 WHEN 'year' THEN 12
              ELSE error('period ''' || unit || ''' is not month, quarter or year') END;
CREATE OR REPLACE TEMP MACRO period_start_of(unit, day) AS date_trunc(unit, day)::DATE;
CREATE OR REPLACE TEMP MACRO period_index(unit, day) AS datediff(unit, DATE '1970-01-01', day);
CREATE OR REPLACE TEMP MACRO period_at_index(unit, index) AS
    (DATE '1970-01-01' + to_months(CAST(index * period_months(unit) AS INTEGER)))::DATE;
CREATE OR REPLACE TEMP MACRO period_label(unit, start) AS
    CASE unit WHEN 'quarter' THEN strftime(start, '%Y') || 'Q' || quarter(start)
              WHEN 'month' THEN strftime(start, '%Y-%m')
              ELSE strftime(start, '%Y') END;
