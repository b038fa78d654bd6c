using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Http.Resilience;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Docs;

/// <summary>
/// docs/resilience.md holds the one table of the tuned values, written by hand; the values themselves
/// live in code. These tests keep the two in step: every value in code has a row, and each row's
/// value, configuration key and standard-handler default are what the code says.
/// </summary>
[Trait("Category", "Unit")]
public class ResilienceDocsTests
{
    private const string Page = "docs/resilience.md";
    private const string ClientSection = "HelloClient:";
    private const string ResilienceSection = "HelloClient:Resilience:";
    private const string BudgetSection = "HelloClient:RetryBudget:";

    /// <summary>The table of what a failed call answers names every <see cref="RetryDemo.ClientService.HelloServiceClient.HelloFailure"/>, and nothing else, as its reason.</summary>
    [Fact]
    public void FailureTable_NamesEveryReasonInCode()
    {
        var reasons = File.ReadLines(Path.Combine(RepositoryPaths.Root, Page))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length == 5 && cells[3].Length > 2 && cells[3][0] == '`' && cells[3][^1] == '`')
            .Select(cells => cells[3].Trim('`'))
            .Where(reason => reason != "reason") // the header row
            .ToHashSet();

        Assert.Equal(Enum.GetNames<RetryDemo.ClientService.HelloServiceClient.HelloFailure>().Order(), reasons.Order());
    }

    [Fact]
    public void TunedValuesTable_HasARowForEveryValueInCode_WithTheCodesValue()
    {
        var rows = TableRows();
        var inCode = ValuesInCode();

        Assert.Equal(inCode.Keys.Order(), rows.Keys.Order());
        foreach (var (name, value) in inCode)
        {
            Assert.True(Equals(value, Parse(rows[name].Tuned, value.GetType())),
                $"{Page}: {name} is '{rows[name].Tuned}' in the table but {value} in code.");
        }
    }

    [Fact]
    public void TunedValuesTable_ConfigurationKeysAndStandardDefaults_AreTheOptionsOwn()
    {
        var tuned = new HttpStandardResilienceOptions();
        HelloResilienceDefaults.Apply(tuned);
        var standard = new HttpStandardResilienceOptions();

        foreach (var (name, row) in TableRows())
        {
            // The key, followed through the options object it binds to, reaches the tuned value.
            (object Options, object? Defaults, string Path) target =
                row.Key.StartsWith(ResilienceSection, StringComparison.Ordinal) ? (tuned, standard, row.Key[ResilienceSection.Length..])
                : row.Key.StartsWith(BudgetSection, StringComparison.Ordinal) ? (new RetryBudgetOptions(), null, row.Key[BudgetSection.Length..])
                : (new RetryAfterOptions(), null, row.Key[ClientSection.Length..]);
            var (options, defaults, path) = target;
            var property = Follow(options, path, out var value);
            Assert.True(Equals(value, Parse(row.Tuned, property.PropertyType)),
                $"{Page}: {name}'s key {row.Key} binds to {value}, not to '{row.Tuned}'.");

            if (defaults is null)
            {
                Assert.Equal("—", row.Standard);
            }
            else
            {
                Follow(defaults, path, out var standardValue);
                Assert.True(Equals(standardValue, Parse(row.Standard, property.PropertyType)),
                    $"{Page}: the standard handler's {path} is {standardValue?.ToString() ?? "none"}, not '{row.Standard}'.");
            }
        }
    }

    private sealed record Row(string Key, string Tuned, string Standard);

    /// <summary>The public constants and static values of both defaults classes, and the one default of RetryAfterOptions.</summary>
    private static Dictionary<string, object> ValuesInCode()
    {
        var values = new[] { typeof(HelloResilienceDefaults), typeof(RetryBudgetDefaults) }
            .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.Static))
            .ToDictionary(field => field.Name, field => field.GetValue(null)!);
        values.Add(nameof(RetryAfterOptions.MaxRetryAfter), new RetryAfterOptions().MaxRetryAfter);
        return values;
    }

    /// <summary>
    /// Rows of the table, by their first cell: | `Name` | `Key` | value | standard value | why |. Any other
    /// row in the page is ignored, but a name that appears twice is an error.
    /// </summary>
    private static Dictionary<string, Row> TableRows()
    {
        var names = ValuesInCode().Keys.ToHashSet();
        var rows = new Dictionary<string, Row>();
        foreach (var line in File.ReadLines(Path.Combine(RepositoryPaths.Root, Page)))
        {
            if (!line.StartsWith('|'))
            {
                continue;
            }

            var cells = line.Trim().Trim('|').Split('|').Select(Cell).ToArray();
            if (cells.Length >= 4 && names.Contains(cells[0]))
            {
                Assert.True(rows.TryAdd(cells[0], new Row(cells[1], cells[2], cells[3])), $"{Page}: {cells[0]} has two rows.");
            }
        }

        return rows;
    }

    private static string Cell(string cell) => cell.Trim().Trim('`', '*').Trim();

    private static PropertyInfo Follow(object options, string path, out object? value)
    {
        PropertyInfo? property = null;
        value = options;
        foreach (var part in path.Split(':'))
        {
            var type = value!.GetType();
            property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new InvalidOperationException($"{Page}: no option '{part}' in {type.Name} (key {path}).");
            value = property.GetValue(value);
        }

        return property!;
    }

    /// <summary>A cell as the code's type: 4, 1.0, true, 200 ms, 0.5 s, or none for a null.</summary>
    private static object? Parse(string cell, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (cell == "none")
        {
            return null;
        }

        if (type == typeof(TimeSpan))
        {
            var parts = cell.Split(' ', 2);
            var amount = double.Parse(parts[0], CultureInfo.InvariantCulture);
            return parts[1] switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                _ => throw new FormatException($"{Page}: '{cell}' is not written in ms or s."),
            };
        }

        return Convert.ChangeType(cell, type, CultureInfo.InvariantCulture);
    }
}
