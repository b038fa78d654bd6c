using RetryDemo.Contracts.Faults;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Docs;

/// <summary>docs/faults.md's table of settings is written by hand; the settings live in the contract. Each row is one setting's three names.</summary>
[Trait("Category", "Unit")]
public class FaultsDocsTests
{
    [Fact]
    public void SettingsTable_NamesEverySettingAsTheContractDoes()
    {
        var rows = File.ReadLines(Path.Combine(RepositoryPaths.Root, "docs", "faults.md"))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length > 4 && cells[2].StartsWith("`X-Fault-", StringComparison.Ordinal))
            .Select(cells => string.Join(" ", cells[1..4].Select(cell => cell.Trim('`'))))
            .Order();

        Assert.Equal(FaultSettings.All.Select(s => $"{s.Query} {s.Header} {s.ProfileKey}").Order(), rows);
    }
}
