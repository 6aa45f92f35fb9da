#include "config.h"

#include "sample/SampleSource.h"

void SampleSource_delete(SampleSource* this) {
   if (this)
      this->klass->delete (this);
}
