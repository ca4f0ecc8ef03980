/*
 * What the FT2232H says about itself on the bus: device, configuration and string
 * descriptors (FT2232H datasheet, "USB Device Descriptors"; USB 2.0 spec chapter 9).
 * Two vendor-specific interfaces, A and B, each with one bulk IN and one bulk OUT endpoint
 * of 512 bytes (high speed): A = 0x81/0x02, B = 0x83/0x04.
 */
#include "usb_objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { STRING_MANUFACTURER = 1, STRING_PRODUCT = 2, STRING_SERIAL = 3 };

void femu_usb_device_descriptor(unsigned index, struct libusb_device_descriptor *descriptor) {
  (void)index;
  const femu_config *config = &femu_g.config;
  memset(descriptor, 0, sizeof *descriptor);
  descriptor->bLength = LIBUSB_DT_DEVICE_SIZE;
  descriptor->bDescriptorType = LIBUSB_DT_DEVICE;
  descriptor->bcdUSB = 0x0200;
  descriptor->bDeviceClass = 0;      /* class per interface */
  descriptor->bMaxPacketSize0 = 64;
  descriptor->idVendor = config->usb_vendor;
  descriptor->idProduct = config->usb_product;
  /* libftdi1 guesses the chip from bcdDevice: 0x0700 -> TYPE_2232H (ftdi_usb_open_dev). */
  descriptor->bcdDevice = config->bcd_device;
  descriptor->iManufacturer = STRING_MANUFACTURER;
  descriptor->iProduct = STRING_PRODUCT;
  descriptor->iSerialNumber = config->serial[0] ? STRING_SERIAL : 0;
  descriptor->bNumConfigurations = 1;
}

/* The string for `string_index` of device `device_index`, or NULL. */
const char *femu_usb_string(unsigned device_index, uint8_t string_index, char scratch[96]) {
  const femu_config *config = &femu_g.config;
  switch (string_index) {
    case STRING_MANUFACTURER: return config->manufacturer;
    case STRING_PRODUCT: return config->description;
    case STRING_SERIAL:
      if (!config->serial[0]) return NULL;
      if (device_index == 0) return config->serial;
      snprintf(scratch, 96, "%s-%u", config->serial, device_index);
      return scratch;
    default: return NULL;
  }
}

/* GET_DESCRIPTOR(wValue = type << 8 | index). Strings go out as UTF-16LE, language 0x0409. */
int femu_usb_get_descriptor(unsigned device_index, uint16_t value, uint16_t language,
                            unsigned char *data, uint16_t length) {
  (void)language;
  unsigned char buffer[256];
  int size;
  uint8_t type = (uint8_t)(value >> 8), index = (uint8_t)value;
  if (type == LIBUSB_DT_DEVICE) {
    struct libusb_device_descriptor d;
    femu_usb_device_descriptor(device_index, &d);
    unsigned char raw[18] = {d.bLength, d.bDescriptorType, (uint8_t)d.bcdUSB, (uint8_t)(d.bcdUSB >> 8),
                             d.bDeviceClass, d.bDeviceSubClass, d.bDeviceProtocol, d.bMaxPacketSize0,
                             (uint8_t)d.idVendor, (uint8_t)(d.idVendor >> 8),
                             (uint8_t)d.idProduct, (uint8_t)(d.idProduct >> 8),
                             (uint8_t)d.bcdDevice, (uint8_t)(d.bcdDevice >> 8),
                             d.iManufacturer, d.iProduct, d.iSerialNumber, d.bNumConfigurations};
    memcpy(buffer, raw, sizeof raw);
    size = sizeof raw;
  } else if (type == LIBUSB_DT_STRING && index == 0) {
    unsigned char languages[4] = {4, LIBUSB_DT_STRING, 0x09, 0x04}; /* English (US) */
    memcpy(buffer, languages, sizeof languages);
    size = sizeof languages;
  } else if (type == LIBUSB_DT_STRING) {
    char scratch[96];
    const char *text = femu_usb_string(device_index, index, scratch);
    if (text == NULL) return LIBUSB_ERROR_PIPE; /* the device stalls unknown strings */
    size_t characters = strlen(text);
    if (characters > 126) characters = 126;
    size = (int)(2 + 2 * characters);
    buffer[0] = (unsigned char)size;
    buffer[1] = LIBUSB_DT_STRING;
    for (size_t i = 0; i < characters; i++) {
      buffer[2 + 2 * i] = (unsigned char)text[i];
      buffer[3 + 2 * i] = 0;
    }
  } else {
    return LIBUSB_ERROR_PIPE;
  }
  if (size > length) size = length;
  memcpy(data, buffer, (size_t)size);
  return size;
}

int LIBUSB_CALL libusb_get_device_descriptor(libusb_device *dev,
                                             struct libusb_device_descriptor *desc) {
  femu_lock();
  femu_ensure_initialized();
  femu_usb_device_descriptor(dev->index, desc); /* libusb caches it: works even when unplugged */
  femu_unlock();
  return LIBUSB_SUCCESS;
}

/* One allocation holds the whole tree so libusb_free_config_descriptor is a single free. */
struct config_tree {
  struct libusb_config_descriptor config;
  struct libusb_interface interfaces[FEMU_INTERFACE_COUNT];
  struct libusb_interface_descriptor settings[FEMU_INTERFACE_COUNT];
  struct libusb_endpoint_descriptor endpoints[FEMU_INTERFACE_COUNT][2];
};

static void fill_endpoint(struct libusb_endpoint_descriptor *endpoint, uint8_t address) {
  endpoint->bLength = LIBUSB_DT_ENDPOINT_SIZE;
  endpoint->bDescriptorType = LIBUSB_DT_ENDPOINT;
  endpoint->bEndpointAddress = address;
  endpoint->bmAttributes = LIBUSB_TRANSFER_TYPE_BULK;
  endpoint->wMaxPacketSize = FEMU_PACKET_SIZE;
}

int LIBUSB_CALL libusb_get_config_descriptor(libusb_device *dev, uint8_t config_index,
                                             struct libusb_config_descriptor **config) {
  (void)dev;
  if (config_index != 0) return LIBUSB_ERROR_NOT_FOUND;
  struct config_tree *tree = calloc(1, sizeof *tree);
  if (tree == NULL) return LIBUSB_ERROR_NO_MEM;
  static const uint8_t in_endpoints[FEMU_INTERFACE_COUNT] = {0x81, 0x83};
  static const uint8_t out_endpoints[FEMU_INTERFACE_COUNT] = {0x02, 0x04};
  for (unsigned i = 0; i < FEMU_INTERFACE_COUNT; i++) {
    /* IN endpoint first, as the FT2232H lists them; libftdi1 reads endpoint[0]'s
       wMaxPacketSize to learn the packet size it strips status bytes with. */
    fill_endpoint(&tree->endpoints[i][0], in_endpoints[i]);
    fill_endpoint(&tree->endpoints[i][1], out_endpoints[i]);
    struct libusb_interface_descriptor *setting = &tree->settings[i];
    setting->bLength = LIBUSB_DT_INTERFACE_SIZE;
    setting->bDescriptorType = LIBUSB_DT_INTERFACE;
    setting->bInterfaceNumber = (uint8_t)i;
    setting->bNumEndpoints = 2;
    setting->bInterfaceClass = LIBUSB_CLASS_VENDOR_SPEC;
    setting->bInterfaceSubClass = 0xFF;
    setting->bInterfaceProtocol = 0xFF;
    setting->iInterface = STRING_PRODUCT;
    setting->endpoint = tree->endpoints[i];
    tree->interfaces[i].altsetting = setting;
    tree->interfaces[i].num_altsetting = 1;
  }
  tree->config.bLength = LIBUSB_DT_CONFIG_SIZE;
  tree->config.bDescriptorType = LIBUSB_DT_CONFIG;
  tree->config.wTotalLength = LIBUSB_DT_CONFIG_SIZE +
      FEMU_INTERFACE_COUNT * (LIBUSB_DT_INTERFACE_SIZE + 2 * LIBUSB_DT_ENDPOINT_SIZE);
  tree->config.bNumInterfaces = FEMU_INTERFACE_COUNT;
  tree->config.bConfigurationValue = 1;
  tree->config.bmAttributes = 0x80; /* bus powered */
  tree->config.MaxPower = 50;       /* 100 mA in 2 mA units */
  tree->config.interface = tree->interfaces;
  *config = &tree->config;
  return LIBUSB_SUCCESS;
}

void LIBUSB_CALL libusb_free_config_descriptor(struct libusb_config_descriptor *config) {
  free(config); /* the config descriptor is the first member of its config_tree */
}
