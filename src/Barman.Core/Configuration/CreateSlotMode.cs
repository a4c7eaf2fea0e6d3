namespace Barman.Core.Configuration;

public enum CreateSlotMode
{
    Manual,
    Auto,
}
