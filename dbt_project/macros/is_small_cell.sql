{#-
    The small-cell rule of publication (Jobindsats and DST do the same): a cell whose
    numerator or denominator is above 0 and below small_cell_threshold is published without
    value and counts. Not "between 1 and threshold - 1": fuldtidspersoner are fractions, and
    0.2 of them is one person's one week in the month (4.5 may be as few as 5 persons). The one
    place the rule is written in SQL; publish blanks what it flags, and
    pipeline/suppression.py's is_small is the same band for the cells it derives. Sums of
    fractions carry rounding noise that differs between builds (5.0 may be 4.999999999): a
    value within var small_cell_tolerance (suppression.TOLERANCE reads it too) of 0 or of the
    threshold counts as that value, so that the same data hide the same cells in every build.
    A model whose counts are of events (1.2's offers, 5.3's spells, 5.6's sanctions) passes
    `persons`: its cell is small too where the persons behind its numerator or denominator are
    (numerator_persons, denominator_persons): 6 sanctions of one person tell that person's.
    A count of events is a sum over the persons who contribute to it, and such a cell is
    unsafe by the number of its contributors (the threshold rule for magnitude tables:
    Hundepool et al., "Statistical Disclosure Control", Wiley 2012, ch. 4.2); the threshold
    is the one for persons.
-#}
{% macro is_small_cell(numerator='numerator', denominator='denominator', persons=false) %}
    {%- set low = var('small_cell_tolerance') %}
    {%- set high = var('small_cell_threshold') - low %}
    coalesce(
        ({{ numerator }} > {{ low }} and {{ numerator }} < {{ high }})
        or ({{ denominator }} > {{ low }} and {{ denominator }} < {{ high }}),
        false
    )
    {%- if persons %}
        or {{ is_small_cell('numerator_persons', 'denominator_persons') }}
    {%- endif %}
{%- endmacro %}
{#-
    What an events model gives beside its counts, where it has them (`columns`: macro
    model_columns): the persons behind them (macro is_small_cell's `persons`):
    numerator_persons, denominator_persons, complement_persons (the persons behind
    denominator - numerator: 1.2's offers not on time); and the period's design_effect
    (macro design_effect), by which the intervals take its counts as clustered in persons.
    NULL where its counts are of persons themselves. pipeline/suppression.py hides a count
    behind 1-4 persons where it is shown or a subtraction determines it, and a sum of hidden
    cells that holds as few persons (fewest_persons). A model declares that it counts events
    with config meta counts_events.
-#}
{% macro events_columns(model, columns) -%}
    {%- set wanted = ['numerator_persons', 'denominator_persons', 'complement_persons',
        'design_effect'] -%}
    {#- a model that says it counts events (config meta counts_events) must give them: else
        the suppression would take its events for persons, and the intervals its events for
        independent ones, without a word -#}
    {%- if execute -%}
        {%- set node = graph.nodes.values() | selectattr('name', 'equalto', model) | first -%}
        {%- set missing = wanted | reject('in', columns) | list -%}
        {%- if node.config.meta.get('counts_events') and missing -%}
            {{ exceptions.raise_compiler_error(
                model ~ ' counts events (meta counts_events) but has no ' ~ missing | join(', ')
                ~ ': the small-cell rule would take its events for persons, or its intervals'
                ~ ' them for independent events') }}
        {%- endif -%}
    {%- endif -%}
    {{ optional_columns(columns, zip(wanted, ['double'] * wanted | length) | list) }}
{%- endmacro %}
