using System.ComponentModel.DataAnnotations;

namespace RetryDemo.ClientService.Validation;

/// <summary>DataAnnotations errors keyed the way callers wrote the value (camelCase query or JSON names).</summary>
public static class RequestValidation
{
    public static Dictionary<string, string[]> Errors(object instance)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true);
        return results
            .SelectMany(r => r.MemberNames.Select(m => (Member: CamelCase(m), Message: r.ErrorMessage ?? "Invalid value.")))
            .GroupBy(e => e.Member)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
    }

    private static string CamelCase(string member) => char.ToLowerInvariant(member[0]) + member[1..];
}
